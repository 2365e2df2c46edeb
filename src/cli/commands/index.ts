/* Every `vmsig` subcommand, in the order `vmsig help` lists them. Add new ones here. */
import type { CliCommand } from '../command';
import { kindsCommand } from './kinds';

export const commands: CliCommand[] = [kindsCommand];
