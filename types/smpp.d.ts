// Type declarations for node-smpp 0.6.0-rc.4, which ships none.
// Only the surface simpair and the simulator use is declared; PDU fields are open-ended
// because a PDU object carries its mandatory parameters and TLVs as plain properties.
declare module 'smpp' {
  import { EventEmitter } from 'events';
  import { Socket, Server as NetServer } from 'net';

  export interface PDUFields {
    command_status?: number;
    sequence_number?: number;
    [field: string]: unknown;
  }

  export class PDU {
    constructor(command: string | Buffer, options?: PDUFields);
    command: string;
    command_id: number;
    command_length: number;
    command_status: number;
    sequence_number: number;
    [field: string]: unknown;
    isResponse(): boolean;
    response(options?: PDUFields): PDU;
    toBuffer(): Buffer;
    static maxLength: number;
    static fromBuffer(buffer: Buffer): PDU | false;
  }

  export type ResponseCallback = (pdu: PDU) => void;
  export type SendCallback = (pdu: PDU) => void;
  export type FailureCallback = (pdu: PDU, err?: Error) => void;

  export interface SessionOptions {
    url?: string;
    host?: string;
    port?: number;
    connectTimeout?: number;
    auto_enquire_link_period?: number;
    debug?: boolean;
    tls?: boolean;
    /** TLS only (passed to tls.connect): node-smpp defaults rejectUnauthorized to false. */
    rejectUnauthorized?: boolean;
    ca?: string | Buffer | Array<string | Buffer>;
    servername?: string;
    socket?: Socket;
  }

  export class Session extends EventEmitter {
    constructor(options?: SessionOptions);
    socket: Socket;
    closed: boolean;
    paused: boolean;
    remoteAddress: string | null;
    remotePort: number | null;
    server?: Server;
    send(pdu: PDU, responseCallback?: ResponseCallback, sendCallback?: SendCallback, failureCallback?: FailureCallback): boolean;
    pause(): void;
    resume(): void;
    close(callback?: () => void): void;
    destroy(callback?: () => void): void;
    connect(): void;
    // Every SMPP command also exists as a shortcut method, e.g. session.submit_sm({...}, cb).
    [command: string]: unknown;
  }

  export interface Server extends NetServer {
    sessions: Session[];
  }

  export interface ServerOptions {
    debug?: boolean;
    key?: unknown;
    cert?: unknown;
  }

  export function createServer(options: ServerOptions, listener?: (session: Session) => void): Server;
  export function createServer(listener?: (session: Session) => void): Server;
  export function connect(options: SessionOptions | string, listener?: (session: Session) => void): Session;
  export function addTLV(tag: string, options: { id: number; type: unknown; multiple?: boolean }): void;

  export interface FieldType {
    read(buffer: Buffer, offset: number, length?: number): unknown;
    write(value: unknown, buffer: Buffer, offset: number): void;
    size(value: unknown): number;
    default: unknown;
  }
  export const types: {
    int8: FieldType; int16: FieldType; int32: FieldType; string: FieldType; cstring: FieldType;
    buffer: FieldType;
    tlv: Record<string, FieldType>;
    [name: string]: unknown;
  };
  export const errors: Record<string, number>;
  export const consts: Record<string, any>;
  export const commands: Record<string, { id: number; command: string; params?: Record<string, { type: FieldType; filter?: unknown; default?: unknown }> }>;
  export const commandsById: Record<number, { id: number; command: string }>;
  export const tlvs: Record<string, { id: number; tag: string; type: FieldType; filter?: unknown; multiple?: boolean }>;
  export const tlvsById: Record<number, { id: number; tag: string; type: FieldType; filter?: unknown }>;
  export const encodings: Record<string, { match(v: string): boolean; encode(v: string): Buffer; decode(v: Buffer): string }>;
  export const gsmCoder: { encode(s: string, table?: number): Buffer; decode(b: Buffer, table?: number): string; detect(s: string): number | undefined };
  export const filters: Record<string, { encode: (v: unknown) => unknown; decode: (v: unknown, skipUdh?: boolean) => unknown }>;
}
