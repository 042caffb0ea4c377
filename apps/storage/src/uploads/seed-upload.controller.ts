import { Body, Controller, HttpCode, Param, Post, Query, Req, UseFilters } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { ObjectDto, Principal } from '@platform/contracts';
import { ValidationError, zodIssuesToValidationIssues } from '@platform/errors';
import { EdgeAuthenticated, EdgePrincipal } from '../http/edge-principal.guard';
import { StorageProblemFilter } from '../http/storage-problem.filter';
import { toObjectDto } from '../object/object.mapper';
import { BadRequestError } from '../shared/storage.errors';
import { contentLengthOf, headerValue, integerHeader, parseSha256 } from './tus/tus-headers';
import { SeedUploadService } from './seed-upload.service';

const uuid = z.string().uuid();
const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'must be a hex SHA-256');
const finalizeBody = z.object({ sha256: sha256Hex.optional() }).strict();
const singleQuery = z
  .object({ recordingId: uuid.optional(), filename: z.string().min(1).max(255).optional() })
  .strict();

function parse<T extends z.ZodType>(schema: T, value: unknown, where: string): z.infer<T> {
  const result = schema.safeParse(value);
  if (!result.success)
    throw new ValidationError(
      zodIssuesToValidationIssues(result.error).map((issue) => ({
        ...issue,
        path: `${where}.${issue.path}`.replace(/\.$/, ''),
      })),
    );
  return result.data;
}

/**
 * The seed's upload flow (Kipu): `POST /v1/chunks/:recordingId` appends one chunk (Chunk-Index in
 * order, Chunk-Sha256 required), `POST /v1/finalize/:recordingId` ends it; `POST /v1/upload` sends a
 * whole object in one streamed request. Same staging, limits and completion as tus.
 */
@Controller('v1')
@UseFilters(StorageProblemFilter)
export class SeedUploadController {
  constructor(private readonly seed: SeedUploadService) {}

  @Post('chunks/:recordingId')
  @HttpCode(200)
  @EdgeAuthenticated('storage:write')
  async chunk(
    @Param('recordingId') recordingId: string,
    @Req() request: FastifyRequest,
    @EdgePrincipal() principal: Principal,
  ) {
    const chunkIndex = integerHeader(request.headers, 'chunk-index', true);
    const sha256 = parseSha256(headerValue(request.headers, 'chunk-sha256'), 'Chunk-Sha256');
    if (!sha256) throw new BadRequestError('Chunk-Sha256 is required (the SHA-256 of this chunk)');
    const upload = await this.seed.appendChunk(principal, parse(uuid, recordingId, 'params.recordingId'), {
      chunkIndex,
      sha256,
      body: request.raw,
      contentLength: contentLengthOf(request.headers),
    });
    return {
      objectId: upload.id,
      recordingId,
      chunkIndex,
      receivedBytes: upload.receivedBytes,
      nextChunkIndex: upload.chunkCount,
    };
  }

  @Post('finalize/:recordingId')
  @HttpCode(200)
  @EdgeAuthenticated('storage:write')
  async finalize(
    @Param('recordingId') recordingId: string,
    @Body() body: unknown,
    @EdgePrincipal() principal: Principal,
  ): Promise<ObjectDto> {
    const input = parse(finalizeBody, body ?? {}, 'body');
    const object = await this.seed.finalize(
      principal,
      parse(uuid, recordingId, 'params.recordingId'),
      input.sha256 ?? null,
    );
    return toObjectDto(object);
  }

  @Post('upload')
  @HttpCode(201)
  @EdgeAuthenticated('storage:write')
  async single(
    @Query() query: unknown,
    @Req() request: FastifyRequest,
    @EdgePrincipal() principal: Principal,
  ): Promise<ObjectDto> {
    const input = parse(singleQuery, query, 'query');
    const expected = parseSha256(headerValue(request.headers, 'upload-sha256'), 'Upload-Sha256');
    const object = await this.seed.single(principal, {
      recordingId: input.recordingId ?? null,
      filename: input.filename ?? null,
      sha256: expected ? expected.toString('hex') : null,
      body: request.raw,
      contentLength: contentLengthOf(request.headers),
    });
    return toObjectDto(object);
  }
}
