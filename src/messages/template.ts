/**
 * The placeholders of a message template, as a union of their names: "{{a}} and {{b}}" gives "a" | "b".
 * Accumulating (tail-recursive) so long templates with many placeholders stay within the compiler's limits.
 */
export type Placeholders<S extends string, Found extends string = never> = S extends `${string}{{${infer Name}}}${infer Rest}`
  ? Placeholders<Rest, Found | Name>
  : Found;

/** The values a template needs: exactly its placeholders, each already formatted as text. */
export type ParamsOf<S extends string> = { [Name in Placeholders<S>]: string };

/** Fills {{name}} placeholders; the types make a missing value a compile error, this check covers untyped callers. */
export function fillTemplate(text: string, values: Readonly<Record<string, string>>): string {
  return text.replace(/\{\{(\w+)\}\}/g, (_, key: string) => {
    const value = values[key];
    if (value === undefined) throw new Error(`message template needs a value for {{${key}}}`);
    return value;
  });
}
