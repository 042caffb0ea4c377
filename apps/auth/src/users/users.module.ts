import { Module } from '@nestjs/common';
import { ProfileHandlers } from './profile.handlers';
import { ProfileQuery } from './profile.query';
import { UserService } from './user.service';

@Module({
  providers: [UserService, ProfileQuery, ProfileHandlers],
  exports: [UserService],
})
export class UsersModule {}
