// One interface for reaching a node, whatever carries it: run a program there, copy files both ways.

export interface ExecOptions {
  /** Written to the program's stdin and closed (how secrets travel: never on a command line). */
  input?: string;
  /** Each line of stdout as it arrives (live progress from the node). */
  onLine?: (line: string) => void;
  timeoutMs?: number;
  /**
   * Keep stdin open after `input` until the program ends or this signal aborts; closing it early is
   * how a controller tells the gate on a node to stop (over docker exec and ssh alike).
   */
  holdStdinUntil?: AbortSignal;
}

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** The node could not be reached at all: reported `unreachable`, never as failed criteria. */
export class UnreachableError extends Error {
  override name = 'UnreachableError';
}

export interface Transport {
  /** One line naming the node and the way to it: `ssh ops@10.0.0.2:2222`. */
  readonly target: string;
  /** Throws UnreachableError with one line (host key, auth, refused, timed out…) when the node cannot be used. */
  check(): Promise<void>;
  /** Run argv on the node (no shell in between unless argv asks for one). */
  exec(argv: readonly string[], options?: ExecOptions): Promise<ExecResult>;
  /** Copy a local file to a path on the node. */
  put(localFile: string, remotePath: string): Promise<void>;
  /** Copy a directory on the node into a local directory (created). */
  get(remoteDir: string, localDir: string): Promise<void>;
  /** Release connections (ssh ControlMaster). */
  close(): Promise<void>;
}
