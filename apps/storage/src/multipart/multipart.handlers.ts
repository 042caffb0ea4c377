import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { MULTIPART_RPC, storageContract, type ContractRequest, type Principal } from '@platform/contracts';
import { contractHandlers, CurrentPrincipal, RequirePermission } from '@platform/messaging';
import { toObjectDto } from '../object/object.mapper';
import { MultipartService } from './multipart.service';

const Storage = contractHandlers(storageContract);
type Request<P extends (typeof MULTIPART_RPC)[keyof typeof MULTIPART_RPC]> = ContractRequest<
  typeof storageContract,
  P
>;

/** Presigned multipart over RPC: only URLs and small JSON cross the broker, never bytes. */
@Controller()
export class MultipartHandlers {
  constructor(private readonly multipart: MultipartService) {}

  @Storage.MessagePattern(MULTIPART_RPC.initiate)
  @RequirePermission('storage:write')
  initiate(
    @Payload() data: Request<typeof MULTIPART_RPC.initiate>,
    @CurrentPrincipal() principal: Principal,
  ) {
    return this.multipart.initiate(principal, data);
  }

  @Storage.MessagePattern(MULTIPART_RPC.partUrls)
  @RequirePermission('storage:write')
  partUrls(
    @Payload() data: Request<typeof MULTIPART_RPC.partUrls>,
    @CurrentPrincipal() principal: Principal,
  ) {
    return this.multipart.partUrls(principal, data.objectId, data.partNumbers);
  }

  @Storage.MessagePattern(MULTIPART_RPC.complete)
  @RequirePermission('storage:write')
  async complete(
    @Payload() data: Request<typeof MULTIPART_RPC.complete>,
    @CurrentPrincipal() principal: Principal,
  ) {
    return toObjectDto(await this.multipart.complete(principal, data.objectId, data.parts));
  }

  @Storage.MessagePattern(MULTIPART_RPC.abort)
  @RequirePermission('storage:write')
  async abort(
    @Payload() data: Request<typeof MULTIPART_RPC.abort>,
    @CurrentPrincipal() principal: Principal,
  ) {
    await this.multipart.abort(principal, data.objectId);
    return { aborted: true as const };
  }
}
