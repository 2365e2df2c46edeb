/* The shells' file log (size-rotated, under $XDG_STATE_HOME/vmsig/log). */
export {
  type FileLog,
  type FileLogOptions,
  defaultLogDir,
  openFileLog,
  teeLog,
  tryOpenFileLog,
} from './file-log';
