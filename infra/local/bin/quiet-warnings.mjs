// The AWS SDK warns on every start that its 2027 releases will need Node 22.
// That is a note for maintainers (see the README), not for someone running a task.
const emit = process.emitWarning.bind(process);
process.emitWarning = (warning, ...rest) => {
  const type = typeof rest[0] === 'string' ? rest[0] : rest[0]?.type;
  const text = typeof warning === 'string' ? warning : warning?.message;
  if (type === 'NodeVersionSupportWarning' || /will require node >=22/.test(String(text))) return;
  return emit(warning, ...rest);
};
