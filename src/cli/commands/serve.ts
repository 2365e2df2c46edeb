/*
 * `vmsig serve --config FILE`: the headless host (core + VMs + control socket) until
 * SIGINT/SIGTERM, or until an uncaught failure, which still stops the VMs cleanly and
 * exits 70. Kept to the composition call so the web host can be added beside it.
 */
import { defaultConfigPath, loadConfig, writeDefaultConfig } from '../../main/host/config';
import { journalSettings } from '../../main/host/journal-settings';
import { installLastResort } from '../../main/host/last-resort';
import { tryOpenFileLog } from '../../main/host/log';
import { type CliCommand, UsageError, opt, parseArgs } from '../command';

export const serveCommand: CliCommand = {
  name: 'serve',
  summary: 'run the headless host: core, VMs and the control socket',
  usage:
    'vmsig serve [--config FILE] [--journal DIR | --no-journal] [--no-start] [--verbose]\n' +
    '            [--log-dir DIR | --no-log-file]   (file log: $XDG_STATE_HOME/vmsig/log/serve.log)\n' +
    '            [--nats URL]   (join the fleet: needs the nats object of the configuration, docs/fleet.md)',
  async run(args, io) {
    const p = parseArgs(
      args,
      ['config', 'journal', 'log-dir', 'nats'],
      ['no-start', 'verbose', 'no-journal', 'no-log-file'],
    );
    if (p.positionals.length) throw new UsageError(`unexpected argument "${p.positionals[0]}"`);
    if (p.options.has('journal') && p.options.has('no-journal'))
      throw new UsageError('--journal and --no-journal exclude each other');
    let configPath = opt(p, 'config');
    if (configPath === undefined) {
      // First run: write the operator's own control and, when possible, a demo VM.
      configPath = defaultConfigPath();
      const first = writeDefaultConfig(configPath);
      if (first.written) io.out(`vmsig serve: wrote a default configuration to ${first.path}`);
      for (const why of first.missing) io.out(`vmsig serve: no demo VM: ${why}`);
    }
    const config = loadConfig(configPath);
    const natsUrl = opt(p, 'nats');
    if (natsUrl !== undefined) {
      if (!config.nats)
        throw new UsageError(
          `--nats needs a "nats" object in ${configPath} (host name, credentials, users; docs/fleet.md)`,
        );
      config.nats = { ...config.nats, url: natsUrl };
    }
    for (const w of config.warnings ?? []) io.err(`vmsig serve: warning: ${w}`);

    const verbose = p.options.has('verbose');
    // The same lines also go to a size-rotated file, so a host started in the background keeps them.
    const file = p.options.has('no-log-file')
      ? null
      : tryOpenFileLog({ name: 'serve', dir: opt(p, 'log-dir') }, (why) => io.err(`vmsig serve: ${why}`));
    if (file) io.out(`vmsig serve: log file ${file.path}`);
    const hostLog = (level: 'debug' | 'info' | 'warn' | 'error', msg: string): void => {
      if (level === 'debug' && !verbose) return;
      io.err(`[${level}] ${msg}`);
      file?.log(level, msg);
    };
    // The host and the web server (QEMU launcher, journal writer, http, ws) load only here,
    // so the client commands start without them.
    const [{ HostService }, { startWebHost }] = await Promise.all([
      import('../../main/host/host-service'),
      import('../../main/serve'),
    ]);
    // Whatever throws from here on, uncaught, still stops the VMs (files removed) and exits 70.
    let stopAll = async (): Promise<void> => {};
    const removeLastResort = installLastResort({ log: hostLog, stop: () => stopAll() });
    const host = await HostService.start({
      config,
      startManaged: !p.options.has('no-start'),
      // --journal / --no-journal override the file's `journal` settings.
      journal: journalSettings(config, { dir: opt(p, 'journal'), off: p.options.has('no-journal') }),
      log: hostLog,
    });
    stopAll = () => host.stop();
    io.out(`vmsig serve: control socket ${host.socketPath}`);
    // The console's own view of the other hosts (nats.console): started before the web host serves it.
    const fleetView = config.nats
      ? (await import('../../main/fleet')).FleetConsole.start(config.nats, hostLog)
      : null;
    const web = await startWebHost({
      host,
      fleet: fleetView ?? undefined,
      log: (level, msg) => {
        if (level === 'debug') return;
        io.err(`[${level}] web: ${msg}`);
        file?.log(level, `web: ${msg}`);
      },
    }).catch(async (e: unknown) => {
      await fleetView?.stop();
      await host.stop();
      removeLastResort();
      throw e;
    });
    // The fleet bridge, when configured: it connects in the background, so NATS being down never stops the host.
    const fleet = config.nats
      ? (await import('../../main/fleet')).FleetBridge.start({
          config: config.nats,
          core: host.core,
          clock: HostService.clock,
          log: hostLog,
          hostRequests: host.hostRequests,
          display: host,
          vms: () => host.vms().map((v) => ({ id: v.id, name: v.name, state: v.state, layout: v.layout })),
        })
      : null;
    stopAll = async () => {
      await fleetView?.stop();
      await fleet?.stop();
      await web.stop();
      await host.stop();
    };
    // Listening for the stop signal before saying we are up: a script that reads the URL
    // and sends SIGTERM at once must still get a clean stop.
    const stopRequested = new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    io.out(`vmsig serve: console at ${web.url}`);
    for (const vm of host.vms())
      io.out(`  VM ${vm.id} ${vm.name} (${vm.kind}): ${vm.state}${vm.error ? ` — ${vm.error}` : ''}`);
    await stopRequested;
    io.out('vmsig serve: stopping');
    await fleetView?.stop();
    await fleet?.stop();
    await web.stop();
    await host.stop();
    removeLastResort();
    file?.close();
    return 0;
  },
};
