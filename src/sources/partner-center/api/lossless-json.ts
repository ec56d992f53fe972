/**
 * Parses JSON keeping every number as its exact text. Partner Center serializes C# decimals in full (an
 * EffectiveUnitPrice may carry 20+ digits); `JSON.parse` would round them to binary floating point before billsync
 * ever sees them. Number tokens only occur outside strings, so quoting them first is safe.
 */
export function parseJsonLossless(text: string): unknown {
  const quoted = text.replace(/"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g, (token) =>
    token.startsWith('"') ? token : `"${token}"`,
  );
  return JSON.parse(quoted);
}
