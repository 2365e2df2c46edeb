/* Operating-system facilities shared by wire/ and host/: private directories and files. */
export {
  UnsafePathError,
  createPrivateFile,
  ensurePrivateDir,
  privateDirProblem,
  withUmask,
} from './private-dir';
