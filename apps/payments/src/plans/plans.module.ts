import { Module } from '@nestjs/common';
import { GrantedPlanHandlers } from './granted-plan.handlers';
import { GrantedPlanRepository } from './granted-plan.repository';

/** Plans granted outside a purchase here (organization codes), as auth announces them. */
@Module({
  controllers: [GrantedPlanHandlers],
  providers: [GrantedPlanRepository],
  exports: [GrantedPlanRepository],
})
export class PlansModule {}
