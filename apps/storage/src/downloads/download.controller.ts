import { Controller, Get, Head, Param, Query, Req, Res, UseFilters } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '@platform/contracts';
import { ForbiddenError } from '@platform/errors';
import { TenantDatabase } from '@platform/tenancy';
import { EdgeAuthenticated, EdgePrincipal } from '../http/edge-principal.guard';
import { StorageProblemFilter } from '../http/storage-problem.filter';
import { ObjectRepository } from '../object/object.repository';
import { ObjectService } from '../object/object.service';
import { ObjectBytesResponder } from './object-bytes.responder';
import { ObjectDeletedError } from '../shared/storage.errors';
import { SignedDownloadUrl } from './signed-download-url';

const INVALID_LINK = 'The download link is invalid';

/** Downloads of completed objects, Range supported. */
@Controller('v1')
@UseFilters(StorageProblemFilter)
export class DownloadController {
  constructor(
    private readonly links: SignedDownloadUrl,
    private readonly tenants: TenantDatabase,
    private readonly objects: ObjectRepository,
    private readonly objectService: ObjectService,
    private readonly bytes: ObjectBytesResponder,
  ) {}

  /** HEAD of its own, declared before the GET (Fastify's automatic one would answer Content-Length: 0). */
  @Head('downloads/:id')
  signedHead(
    @Param('id') id: string,
    @Query() query: Record<string, unknown>,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    return this.sendSigned(id, query, request, reply);
  }

  /**
   * `GET /v1/downloads/:id?org=&expires=&signature=` (the local driver's links; the S3 driver hands
   * out S3 presigned URLs), public at the gateway (a signed-url stream route, forwarded with no
   * principal): the signature is the only credential, checked before any database work, and no
   * header the client sends is read for authorization.
   */
  @Get('downloads/:id')
  signed(
    @Param('id') id: string,
    @Query() query: Record<string, unknown>,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    return this.sendSigned(id, query, request, reply);
  }

  private async sendSigned(
    id: string,
    query: Record<string, unknown>,
    request: FastifyRequest,
    reply: FastifyReply,
  ): Promise<void> {
    const { organizationId, objectId } = this.links.verify(id, query);
    // The link binds its organization: the lookup runs in that tenant (RLS), so a link of org A can
    // never reach a row of org B, even if an id were reused or guessed.
    const object = await this.tenants.runInTenant(organizationId, () =>
      this.objects.findIncludingDeleted(objectId),
    );
    if (!object) throw new ForbiddenError(INVALID_LINK);
    // A genuine link to an object deleted since (its recording was): gone, and the holder may know it.
    if (object.status === 'deleted') throw new ObjectDeletedError(objectId);
    if (object.status !== 'completed') throw new ForbiddenError(INVALID_LINK);
    await this.bytes.send(object, request, reply);
  }

  @Head('storage/objects/:id/content')
  @EdgeAuthenticated('storage:read')
  contentHead(
    @Param('id') id: string,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
    @EdgePrincipal() principal: Principal,
  ): Promise<void> {
    return this.sendContent(id, request, reply, principal);
  }

  /** `GET /v1/storage/objects/:id/content`: the caller's own object (RLS), through the gateway. */
  @Get('storage/objects/:id/content')
  @EdgeAuthenticated('storage:read')
  content(
    @Param('id') id: string,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
    @EdgePrincipal() principal: Principal,
  ): Promise<void> {
    return this.sendContent(id, request, reply, principal);
  }

  private async sendContent(
    id: string,
    request: FastifyRequest,
    reply: FastifyReply,
    principal: Principal,
  ): Promise<void> {
    const object = await this.objectService.getCompleted(principal, id);
    await this.bytes.send(object, request, reply);
  }
}
