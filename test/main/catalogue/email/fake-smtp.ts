// Real SMTP servers on 127.0.0.1 for the RCPT probe: smtp-server (the SMTP server library
// Nodemailer's authors keep) with onRcptTo deciding per address, counting every RCPT and
// any DATA (the probe must never send one); plus a TCP server that accepts and never
// says a word, and a port nothing listens on.
import net, { type AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/** What the server answers for one RCPT TO: 250, or an SMTP error code with its text. */
export type RcptDecision = { code: 250 } | { code: number; message: string };

export interface SmtpFake {
  port: number;
  /** RCPT TO addresses in arrival order */
  rcpts: string[];
  /** MAIL FROM addresses in arrival order */
  senders: string[];
  /** each MAIL FROM's parameters (e.g. "SMTPUTF8"), in arrival order */
  mailParams: string[];
  /** the EHLO/HELO names clients gave */
  greetings: string[];
  /** messages received through DATA (must stay 0) */
  dataCount: number;
  close(): Promise<void>;
}

export interface SmtpFakeOptions {
  /** a server that does not offer SMTPUTF8 in its EHLO reply */
  noSmtpUtf8?: boolean;
  /** a server that refuses EHLO (502) and only speaks HELO, as old servers do */
  heloOnly?: boolean;
}

export async function startSmtpFake(
  decide: (address: string, attempt: number) => RcptDecision,
  options: SmtpFakeOptions = {},
): Promise<SmtpFake> {
  const attempts = new Map<string, number>();
  const fake: SmtpFake = {
    port: 0,
    rcpts: [],
    senders: [],
    mailParams: [],
    greetings: [],
    dataCount: 0,
    close: async () => {},
  };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH', ...(options.heloOnly ? ['EHLO'] : [])],
    hideSMTPUTF8: options.noSmtpUtf8 ?? false,
    logger: false,
    banner: 'fake mail server ready',
    onMailFrom(address, session, callback) {
      fake.senders.push(address.address);
      fake.mailParams.push(Object.keys(address.args || {}).join(' '));
      fake.greetings.push(session.hostNameAppearsAs);
      callback();
    },
    onRcptTo(address, _session, callback) {
      fake.rcpts.push(address.address);
      const n = (attempts.get(address.address) ?? 0) + 1;
      attempts.set(address.address, n);
      const decision = decide(address.address, n);
      if (decision.code === 250) return callback();
      const error = Object.assign(new Error((decision as { message: string }).message), {
        responseCode: decision.code,
      });
      callback(error);
    },
    onData(stream, _session, callback) {
      fake.dataCount++;
      stream.resume();
      stream.on('end', () => callback());
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.port = (server.server.address() as AddressInfo).port;
  fake.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return fake;
}

/** Accepts connections and never answers: a mail server stuck before its banner. */
export async function startSilentServer(): Promise<{
  port: number;
  connections: number;
  close(): Promise<void>;
}> {
  const sockets = new Set<net.Socket>();
  const state = { port: 0, connections: 0, close: async () => {} };
  const server = net.createServer((socket) => {
    state.connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.port = (server.address() as AddressInfo).port;
  state.close = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
  return state;
}

/** A port on 127.0.0.1 that nothing listens on (taken, then released). */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
