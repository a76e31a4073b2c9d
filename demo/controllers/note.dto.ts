import { IsString, Length } from 'class-validator';

export class NoteDto {
  @IsString()
  @Length(1, 1000)
  text!: string;
}
