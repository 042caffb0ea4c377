import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { OBJECT_RPC, storageContract, type ContractRequest, type Principal } from '@platform/contracts';
import { contractHandlers, CurrentPrincipal, RequirePermission } from '@platform/messaging';
import { toObjectDto } from './object.mapper';
import { ObjectService } from './object.service';

const Storage = contractHandlers(storageContract);
type Request<P extends (typeof OBJECT_RPC)[keyof typeof OBJECT_RPC]> = ContractRequest<
  typeof storageContract,
  P
>;

/**
 * RPC handlers of objects. The guard (`@RequirePermission`) runs first; the service opens the
 * tenant transaction of the envelope's principal itself (deletion also touches files after the
 * commit, so it cannot live inside one interceptor transaction).
 */
@Controller()
export class ObjectHandlers {
  constructor(private readonly objects: ObjectService) {}

  @Storage.MessagePattern(OBJECT_RPC.get)
  @RequirePermission('storage:read')
  async get(@Payload() data: Request<typeof OBJECT_RPC.get>, @CurrentPrincipal() principal: Principal) {
    return toObjectDto(await this.objects.get(principal, data.id));
  }

  @Storage.MessagePattern(OBJECT_RPC.list)
  @RequirePermission('storage:read')
  async list(@Payload() data: Request<typeof OBJECT_RPC.list>, @CurrentPrincipal() principal: Principal) {
    const { rows, nextCursor } = await this.objects.list(principal, data);
    return { items: rows.map(toObjectDto), nextCursor };
  }

  @Storage.MessagePattern(OBJECT_RPC.delete)
  @RequirePermission('storage:write')
  async delete(@Payload() data: Request<typeof OBJECT_RPC.delete>, @CurrentPrincipal() principal: Principal) {
    await this.objects.delete(principal, data.id);
    return { deleted: true as const };
  }

  @Storage.MessagePattern(OBJECT_RPC.downloadUrl)
  @RequirePermission('storage:read')
  async downloadUrl(
    @Payload() data: Request<typeof OBJECT_RPC.downloadUrl>,
    @CurrentPrincipal() principal: Principal,
  ) {
    const link = await this.objects.downloadUrl(principal, data.id);
    return { url: link.url, expiresAt: link.expiresAt.toISOString() };
  }
}
