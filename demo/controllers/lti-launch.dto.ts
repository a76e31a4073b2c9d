import { Equals, IsNotEmpty, IsOptional, IsString } from 'class-validator';

/** The LTI 1.1 basic launch parameters the demo needs (the launch carries many more, all signed). */
export class LtiLaunchDto {
  @Equals('basic-lti-launch-request')
  lti_message_type!: string;

  @Equals('LTI-1p0')
  lti_version!: string;

  @IsString()
  @IsNotEmpty()
  resource_link_id!: string;

  @IsOptional()
  @IsString()
  user_id?: string;

  @IsOptional()
  @IsString()
  roles?: string;
}
