// pako ships no types; only the streaming raw deflater is used (see python-zip.ts for why pako).
declare module 'pako' {
  interface PakoDeflate {
    push(data: Uint8Array, mode: boolean): boolean;
    onData: (chunk: Uint8Array) => void;
    onEnd: (status: number) => void;
    err: number;
    msg: string;
  }
  const pako: { Deflate: new (options: { level?: number; raw?: boolean; chunkSize?: number }) => PakoDeflate };
  export default pako;
}
