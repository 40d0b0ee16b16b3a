// The disposable-email-domains package ships a JSON array as its main entry and no types.
declare module 'disposable-email-domains' {
  const domains: string[];
  export default domains;
}
