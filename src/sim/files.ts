import { cursorPage } from './pages.js';
import { type SavedFile, saveFile } from './state.js';

export interface SimFile {
  id: string;
  bytes: Buffer;
  filename: string;
  purpose: string;
  /** Non-blank lines: the examples of a JSONL training file. */
  lines: number;
  created_at: number;
}

/** The file object OpenAI returns (Together's has the same core fields). */
export function fileObject(file: SimFile) {
  return {
    id: file.id,
    object: 'file',
    bytes: file.bytes.length,
    created_at: file.created_at,
    filename: file.filename,
    purpose: file.purpose,
    status: 'processed',
    status_details: null,
    expires_at: null,
  };
}

function countLines(bytes: Buffer): number {
  return bytes
    .toString('utf8')
    .split('\n')
    .filter((line) => line.trim() !== '').length;
}

/** The `file` part of a multipart body and its other fields, or a message saying what is wrong. */
async function readForm(
  body: Buffer,
  contentType: string,
): Promise<{ file: File; bytes: Buffer; fields: FormData } | string> {
  if (!contentType.startsWith('multipart/form-data')) return 'Uploads must be multipart/form-data.';
  let form: FormData;
  try {
    // The platform's multipart parser: the same one fetch uses for its own responses.
    form = await new Response(body, { headers: { 'content-type': contentType } }).formData();
  } catch {
    return 'The multipart body could not be parsed.';
  }
  const part = form.get('file');
  if (part === null || typeof part === 'string') return 'The form needs a `file` part holding the file.';
  return { file: part, bytes: Buffer.from(await part.arrayBuffer()), fields: form };
}

/** Uploaded files, in memory for the simulator's lifetime. */
export class SimFileStore {
  private readonly files = new Map<string, SimFile>();

  /** Stores the `file` part of a multipart upload; returns a message instead when the form lacks one. */
  async upload(body: Buffer, contentType: string): Promise<SimFile | string> {
    const form = await readForm(body, contentType);
    if (typeof form === 'string') return form;
    const purpose = form.fields.get('purpose');
    if (typeof purpose !== 'string' || purpose === '') return 'The form needs a `purpose` field.';
    const named = form.fields.get('file_name');
    const name = typeof named === 'string' && named !== '' ? named : form.file.name;
    return this.put(`file-sim-${this.files.size + 1}`, form.bytes, name, purpose);
  }

  /** Stores the `file` part of a multipart upload under a name the caller chose (a Fireworks dataset). */
  async uploadAs(id: string, body: Buffer, contentType: string, purpose: string): Promise<SimFile | string> {
    const form = await readForm(body, contentType);
    return typeof form === 'string' ? form : this.put(id, form.bytes, form.file.name, purpose);
  }

  /** Stores a file the simulator made itself (a batch's output). */
  put(id: string, bytes: Buffer, filename: string, purpose: string): SimFile {
    const file: SimFile = {
      id,
      bytes,
      filename,
      purpose,
      lines: countLines(bytes),
      created_at: Math.floor(Date.now() / 1000),
    };
    this.files.set(file.id, file);
    return file;
  }

  /** The files, for the saved simulator state. */
  save(): SavedFile[] {
    return [...this.files.values()].map(saveFile);
  }

  /** Takes back the files of a saved state. */
  restore(saved: readonly SavedFile[]): void {
    for (const file of saved) {
      this.put(file.id, Buffer.from(file.base64, 'base64'), file.filename, file.purpose).created_at = file.created_at;
    }
  }

  get(id: string): SimFile | undefined {
    return this.files.get(id);
  }

  list(query: URLSearchParams) {
    const purpose = query.get('purpose');
    const all = [...this.files.values()].filter((file) => purpose === null || file.purpose === purpose);
    return cursorPage(all.map(fileObject), query, 10_000);
  }
}
