import { Module } from '@nestjs/common';
import { ProfileHandlers } from './profile.handlers';
import { ProfileQuery } from './profile.query';
import { UserService } from './user.service';

@Module({
  controllers: [ProfileHandlers],
  providers: [UserService, ProfileQuery],
  exports: [UserService],
})
export class UsersModule {}
