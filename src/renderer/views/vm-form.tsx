/*
 * The New VM / Edit VM form: name, a disk image and/or an ISO (typed, or picked from the
 * images of the configured image directories — nothing else of the host's files is
 * listed), memory, vCPUs, firmware and network. Saving goes through the host's gated
 * operations, which write the configuration file and start the VM.
 */
import { useEffect, useRef, useState } from 'react';
import type { ImageView, ManagedVmForm } from '../../shared/ipc';
import { loadImages, loadSettings, parseForwards, saveVm } from '../stores/vm-admin';
import { useVms } from '../stores/vms';

const DEFAULTS: ManagedVmForm = { memoryMiB: 512, vcpus: 1, firmware: 'bios' };

function freeId(used: number[]): number {
  for (let id = 1; id <= 63; id++) if (!used.includes(id)) return id;
  return 63;
}

/** The form; `editId` edits that VM, else it creates one. `onDone` closes it. */
export function VmForm({ editId, onDone }: { editId?: number; onDone: () => void }) {
  // Select the list itself: a selector returning a new array each time re-renders forever.
  const vms = useVms((s) => s.vms);
  const usedIds = vms.map((v) => v.id);
  const [images, setImages] = useState<ImageView[]>([]);
  const [id, setId] = useState(String(editId ?? freeId(usedIds)));
  const [name, setName] = useState('');
  const [disk, setDisk] = useState('');
  const [diskMode, setDiskMode] = useState<'snapshot' | 'overlay' | 'write'>('snapshot');
  const [iso, setIso] = useState('');
  const [memory, setMemory] = useState(String(DEFAULTS.memoryMiB));
  const [vcpus, setVcpus] = useState(String(DEFAULTS.vcpus));
  const [firmware, setFirmware] = useState<'bios' | 'uefi'>('bios');
  const [network, setNetwork] = useState(false);
  const [forwards, setForwards] = useState('');
  const [busy, setBusy] = useState(false);
  // The parent's callback changes each render; the settings are loaded once per VM.
  const done = useRef(onDone);
  done.current = onDone;

  useEffect(() => {
    void loadImages().then(setImages);
    if (editId === undefined) return;
    void loadSettings(editId).then((s) => {
      if (!s) return done.current();
      const m = s.managed;
      setName(s.name);
      setDisk(m.disk?.path ?? '');
      setDiskMode(m.disk?.mode ?? 'snapshot');
      setIso(m.cdrom ?? '');
      setMemory(String(m.memoryMiB));
      setVcpus(String(m.vcpus));
      setFirmware(m.firmware);
      setNetwork(m.network !== undefined);
      setForwards((m.network?.forwards ?? []).map((f) => `${f.hostPort}:${f.guestPort}`).join(', '));
    });
  }, [editId]);

  const parsedForwards = parseForwards(forwards);
  const submit = async (): Promise<void> => {
    const managed: ManagedVmForm = {
      memoryMiB: Number(memory),
      vcpus: Number(vcpus),
      firmware,
      ...(disk.trim() && { disk: { path: disk.trim(), mode: diskMode } }),
      ...(iso.trim() && { cdrom: iso.trim() }),
      ...(network && parsedForwards && { network: { forwards: parsedForwards } }),
    };
    setBusy(true);
    const ok = await saveVm(editId !== undefined, Number(id), name.trim(), managed);
    setBusy(false);
    if (ok) onDone();
  };
  const title = editId === undefined ? 'New VM' : `Edit VM ${editId}`;
  return (
    <form
      className="add-vm vm-form"
      aria-label={title}
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <h3>{title}</h3>
      <datalist id="vm-form-disks">
        {images
          .filter((i) => i.kind === 'disk')
          .map((i) => (
            <option key={i.path} value={i.path} />
          ))}
      </datalist>
      <datalist id="vm-form-isos">
        {images
          .filter((i) => i.kind === 'iso')
          .map((i) => (
            <option key={i.path} value={i.path} />
          ))}
      </datalist>
      {editId === undefined && (
        <label>
          Id{' '}
          <input type="number" min={1} max={63} required value={id} onChange={(e) => setId(e.target.value)} />
        </label>
      )}
      <label>
        Name{' '}
        <input
          required
          maxLength={64}
          pattern="[^,]+"
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
      </label>
      <label>
        Disk image{' '}
        <input
          list="vm-form-disks"
          placeholder="/path/to/disk.qcow2"
          value={disk}
          onChange={(e) => setDisk(e.target.value)}
        />
      </label>
      <label>
        Disk writes{' '}
        <select value={diskMode} onChange={(e) => setDiskMode(e.target.value as typeof diskMode)}>
          <option value="snapshot">discarded at stop (image unchanged)</option>
          <option value="overlay">kept in an overlay beside the image</option>
          <option value="write">written into the image</option>
        </select>
      </label>
      <label>
        ISO image{' '}
        <input
          list="vm-form-isos"
          placeholder="/path/to/install.iso"
          value={iso}
          onChange={(e) => setIso(e.target.value)}
        />
      </label>
      <label>
        Memory (MiB){' '}
        <input
          type="number"
          min={128}
          max={65536}
          required
          value={memory}
          onChange={(e) => setMemory(e.target.value)}
        />
      </label>
      <label>
        vCPUs{' '}
        <input
          type="number"
          min={1}
          max={64}
          required
          value={vcpus}
          onChange={(e) => setVcpus(e.target.value)}
        />
      </label>
      <label>
        Firmware{' '}
        <select value={firmware} onChange={(e) => setFirmware(e.target.value as 'bios' | 'uefi')}>
          <option value="bios">BIOS</option>
          <option value="uefi">UEFI (OVMF)</option>
        </select>
      </label>
      <label>
        <input type="checkbox" checked={network} onChange={(e) => setNetwork(e.target.checked)} /> Network
        (user mode)
      </label>
      {network && (
        <label>
          Forward ports (host:guest, on 127.0.0.1){' '}
          <input
            placeholder="2222:22"
            aria-invalid={parsedForwards === null}
            value={forwards}
            onChange={(e) => setForwards(e.target.value)}
          />
        </label>
      )}
      {images.length === 0 && (
        <p className="muted small">
          No images listed: the configuration names no image directory (imageDirs).
        </p>
      )}
      <div className="row-actions">
        <button
          type="submit"
          disabled={busy || (network && parsedForwards === null) || (!disk.trim() && !iso.trim())}
        >
          {editId === undefined ? 'Create and start' : 'Save'}
        </button>
        <button type="button" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}
