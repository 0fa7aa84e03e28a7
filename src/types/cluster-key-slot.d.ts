declare module 'cluster-key-slot' {
  /** The Redis Cluster slot (CRC16 of the key's hash tag or whole key, mod 16384). */
  export default function calculateSlot(key: string | Buffer): number;
}
