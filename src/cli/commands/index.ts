/* Every `vmsig` subcommand, in the order `vmsig help` lists them. Add new ones here. */
import type { CliCommand } from '../command';
import { cursorCommand } from './cursor';
import { eventsCommand } from './events';
import { heldCommand } from './held';
import { inputCommand } from './input';
import { journalCommand } from './journal';
import { kindsCommand } from './kinds';
import { leaseCommand } from './lease';
import { memwriteCommand } from './memwrite';
import { serveCommand } from './serve';
import { vmCommand } from './vm';

export const commands: CliCommand[] = [
  serveCommand,
  eventsCommand,
  leaseCommand,
  inputCommand,
  vmCommand,
  heldCommand,
  cursorCommand,
  memwriteCommand,
  kindsCommand,
  journalCommand,
];
