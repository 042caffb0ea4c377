/**
 * Stripe's request encoding: `application/x-www-form-urlencoded` with bracketed keys
 * (`line_items[0][price]=price_1&metadata[organizationId]=...`). Decodes into nested objects; numeric
 * segments become array indices, as Stripe reads them.
 */
export type FormValue = string | FormObject | FormValue[];
export interface FormObject {
  [key: string]: FormValue;
}

export function parseStripeForm(body: string): FormObject {
  const root: FormObject = {};
  for (const [key, value] of new URLSearchParams(body)) {
    const segments = key.replace(/\]/g, '').split('[');
    let node: FormObject | FormValue[] = root;
    segments.forEach((segment, index) => {
      const last = index === segments.length - 1;
      const container = node as Record<string, FormValue>;
      if (last) {
        container[segment] = value;
        return;
      }
      const nextIsIndex = /^\d+$/.test(segments[index + 1]!);
      container[segment] ??= nextIsIndex ? [] : {};
      node = container[segment] as FormObject | FormValue[];
    });
  }
  return root;
}

export function formString(value: FormValue | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function formObject(value: FormValue | undefined): FormObject {
  return value && typeof value === 'object' && !Array.isArray(value) ? value : {};
}

export function formArray(value: FormValue | undefined): FormValue[] {
  if (Array.isArray(value)) return value.filter((item) => item !== undefined);
  // `items[0][price]` parses as an array; a single object is tolerated the same way.
  if (value && typeof value === 'object') return Object.values(value);
  return [];
}

/** `metadata[...]` as Stripe stores it: string values only. */
export function formMetadata(value: FormValue | undefined): Record<string, string> {
  const metadata: Record<string, string> = {};
  for (const [key, item] of Object.entries(formObject(value))) {
    if (typeof item === 'string') metadata[key] = item;
  }
  return metadata;
}
