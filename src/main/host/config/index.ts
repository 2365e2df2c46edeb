/* Public surface of the configuration: types, loading/validation, first-run default. */
export type {
  AttachedVmConfig,
  ControlConfig,
  JournalConfig,
  ManagedConfig,
  ManagedVmConfig,
  NatsConfig,
  VmConfig,
  VmsigConfig,
} from './config-types';
export { ConfigError } from './config-error';
export { checkConfigFile, defaultConfigPath, loadConfig, parseConfig, readTokenFile } from './load-config';
export { DEFAULT_MEMORY_MIB } from './parse-vms';
export {
  defaultConfigDocument,
  demoVmMissing,
  writeDefaultConfig,
  type DefaultConfigResult,
} from './default-config';
