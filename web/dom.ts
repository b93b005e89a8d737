/** The page's elements by id (every control and output has one, and a data-testid for the tests). */
export const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

/** Hands a blob to the browser as a download. */
export function download(blob: Blob, name: string): void {
  const link = document.createElement('a');
  link.href = URL.createObjectURL(blob);
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
}
