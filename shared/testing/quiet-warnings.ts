// The AWS SDK warns in every process that its 2027 releases need Node 22; keep test output readable.
const emit = process.emitWarning.bind(process) as (...args: unknown[]) => void;
process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
  const first = rest[0] as string | { type?: string } | undefined;
  const type = typeof first === 'string' ? first : first?.type;
  const text = typeof warning === 'string' ? warning : warning?.message;
  if (type === 'NodeVersionSupportWarning' || /will require node >=22/.test(String(text))) return;
  emit(warning, ...rest);
}) as typeof process.emitWarning;

export {};
