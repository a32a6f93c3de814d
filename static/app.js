// jianfu's own script (no dependencies): lists become cards on narrow screens, and the header's
// 菜单 button folds the navigation there.
//
// Every list is a `table.data` with a header row. Each body cell is labelled with its column's
// header (`data-label`) and the table gets the class `cards`; below 640 px app.css then shows
// each row as a card of "header: value" lines instead of a table wider than the phone. Without
// the script the table stays a table that scrolls inside its wrapper.
(function () {
  'use strict';

  function label(table) {
    if (table.classList.contains('cards') || !table.tHead) return;
    const heads = [];
    for (const th of table.tHead.rows[0]?.cells ?? []) {
      // A header only screen readers see (`.sr-only`, as 操作 over a column of buttons) labels
      // no card line.
      const text = th.textContent.trim();
      const unseen = text === th.querySelector('.sr-only')?.textContent.trim();
      for (let i = 0; i < (th.colSpan || 1); i += 1) heads.push(unseen ? '' : text);
    }
    if (heads.length === 0) return;
    for (const body of table.tBodies) {
      for (const row of body.rows) {
        let col = 0;
        for (const cell of row.cells) {
          const head = heads[col];
          if (head) cell.dataset.label = head;
          col += cell.colSpan || 1;
        }
      }
    }
    table.classList.add('cards');
  }

  // A list wider than its frame scrolls inside it; keyboard users reach that scrolling only if
  // the frame takes focus, and a screen reader then names it: a region named by the table's
  // caption, else the heading above it, else the page's <h1>.
  function scrollable(wrap) {
    if (wrap.scrollWidth > wrap.clientWidth) {
      if (wrap.hasAttribute('tabindex')) return;
      const table = wrap.querySelector('table');
      let heading = wrap.previousElementSibling;
      while (heading && !/^H[1-6]$/.test(heading.tagName)) heading = heading.previousElementSibling;
      const name = table?.caption?.textContent || heading?.textContent || document.querySelector('h1')?.textContent;
      wrap.setAttribute('tabindex', '0');
      wrap.setAttribute('role', 'region');
      wrap.setAttribute('aria-label', `${(name || '').trim() || '列表'}（可左右滚动）`);
    } else if (wrap.getAttribute('tabindex') === '0') {
      wrap.removeAttribute('tabindex');
      wrap.removeAttribute('role');
      wrap.removeAttribute('aria-label');
    }
  }

  function labelAll(root) {
    root.querySelectorAll('table.data').forEach(label);
    document.querySelectorAll('.table-wrap').forEach(scrollable);
  }
  window.addEventListener('resize', () => document.querySelectorAll('.table-wrap').forEach(scrollable));

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', () => labelAll(document));
  } else {
    labelAll(document);
  }
  // Parts of a page replaced by htmx bring their own tables.
  document.addEventListener('htmx:afterSwap', (e) => labelAll(e.target));

  // An irreversible action asks first: a submit button with `data-confirm` submits only after
  // the user agrees (without the script it submits at once, as before).
  document.addEventListener('submit', (e) => {
    const message = e.submitter?.dataset.confirm;
    if (message && !window.confirm(message)) e.preventDefault();
  });

  // On a phone the header shows 首页 and 待办; 菜单 opens the rest (app.css hides it only when
  // this script runs, so that without it every link stays in view).
  document.documentElement.classList.add('js');
  document.addEventListener('click', (e) => {
    const button = e.target.closest('.menu-toggle');
    if (!button) return;
    const nav = button.closest('.nav');
    const open = nav.classList.toggle('open');
    button.setAttribute('aria-expanded', String(open));
  });

  // A field that only one choice needs (`data-shown-for="type_code=other"`: shown while the
  // form's select `type_code` has the value `other`) follows that select. The server renders it
  // hidden unless chosen, and shown when a form comes back with an error.
  document.addEventListener('change', (e) => {
    const select = e.target;
    if (!(select instanceof HTMLSelectElement) || !select.form) return;
    select.form.querySelectorAll('[data-shown-for]').forEach((field) => {
      const [name, value] = field.dataset.shownFor.split('=');
      if (name === select.name) field.hidden = value !== select.value;
    });
  });
})();
