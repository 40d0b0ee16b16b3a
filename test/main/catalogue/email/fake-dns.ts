// A real DNS server on 127.0.0.1 (UDP, a free port) answering from a small zone table,
// built with dns-packet: MX, A and AAAA records, NXDOMAIN for unknown names, SERVFAIL or
// silence where a test asks for them. The verifier's Resolver is pointed at it through
// ProviderAccess.network.dnsServers, exactly as a user's custom DNS servers would be.
import dgram from 'node:dgram';
import type { AddressInfo } from 'node:net';
import dnsPacket, { type Answer } from 'dns-packet';

export interface Zone {
  /** preference + exchange; exchange "." is a null MX (RFC 7505) */
  mx?: { preference: number; exchange: string }[];
  a?: string[];
  aaaa?: string[];
  /** answer every query for the name with this rcode */
  rcode?: 'SERVFAIL' | 'REFUSED';
  /** never answer (a DNS server that times out) */
  silent?: boolean;
}

export interface DnsFake {
  /** "127.0.0.1:PORT", for network.dnsServers */
  server: string;
  /** questions received, "TYPE name" */
  queries: string[];
  close(): Promise<void>;
}

const RCODES = { NOERROR: 0, SERVFAIL: 2, NXDOMAIN: 3, REFUSED: 5 } as const;

export async function startDnsFake(zones: Record<string, Zone>): Promise<DnsFake> {
  const socket = dgram.createSocket('udp4');
  const queries: string[] = [];
  socket.on('message', (message, peer) => {
    const query = dnsPacket.decode(message);
    const question = query.questions?.[0];
    if (!question) return;
    const name = question.name.toLowerCase();
    queries.push(`${question.type} ${name}`);
    const zone = zones[name];
    if (zone?.silent) return;
    let rcode: number = RCODES.NOERROR;
    const answers: Answer[] = [];
    if (!zone) rcode = RCODES.NXDOMAIN;
    else if (zone.rcode) rcode = RCODES[zone.rcode];
    else if (question.type === 'MX')
      for (const mx of zone.mx ?? []) answers.push({ type: 'MX', name, ttl: 60, data: mx });
    else if (question.type === 'A')
      for (const ip of zone.a ?? []) answers.push({ type: 'A', name, ttl: 60, data: ip });
    else if (question.type === 'AAAA')
      for (const ip of zone.aaaa ?? []) answers.push({ type: 'AAAA', name, ttl: 60, data: ip });
    const response = dnsPacket.encode({
      type: 'response',
      id: query.id,
      // QR is set by type 'response'; AA and RD as a resolver expects; the low 4 bits are the rcode
      flags: dnsPacket.AUTHORITATIVE_ANSWER | dnsPacket.RECURSION_DESIRED | rcode,
      questions: query.questions,
      answers,
    });
    socket.send(response, peer.port, peer.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address() as AddressInfo;
  return {
    server: `127.0.0.1:${port}`,
    queries,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
