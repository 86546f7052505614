/** Building the page from data: text is always text (never parsed as markup). */

type Child = Node | string | number | undefined | null | false;
type Attributes = Record<string, string | boolean | number | undefined | EventListener>;

/**
 * An element with attributes (`on…` are listeners; `true` sets a flag, `false`/undefined none)
 * and children (strings become text nodes).
 */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Attributes = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    if (typeof value === 'function') element.addEventListener(name.slice(2), value);
    else if (value === true) element.setAttribute(name, '');
    else element.setAttribute(name, String(value));
  }
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    element.append(typeof child === 'object' ? child : document.createTextNode(String(child)));
  }
  return element;
}

/** A labelled field: the label names the input, a hint describes it. */
export function field(
  id: string,
  label: string,
  input: Attributes = {},
  hint?: string,
): { element: HTMLElement; input: HTMLInputElement } {
  const hintId = hint ? `${id}-hint` : undefined;
  const control = h('input', { id, name: id, ...(hintId ? { 'aria-describedby': hintId } : {}), ...input });
  const element = h(
    'div',
    { class: 'field' },
    h('label', { for: id }, label),
    control,
    hint && h('p', { class: 'hint', id: hintId }, hint),
  );
  return { element, input: control };
}

/** Replaces what `parent` holds. */
export function show(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    parent.append(typeof child === 'object' ? child : document.createTextNode(String(child)));
  }
}

/** A form's submit handler: the page stays, `work` runs. */
export function onSubmit(work: () => unknown): (event: Event) => void {
  return (event) => {
    event.preventDefault();
    void work();
  };
}
