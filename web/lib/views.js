import { compareView } from './compareView.js';
import { planView } from './planView.js';
import { profileView } from './profileView.js';
import { sweepView } from './sweepView.js';
import { whatifView } from './whatifView.js';

/** The view model of any document, by its kind. */
export function viewFor(doc, options = {}) {
  if (doc.kind === 'profile-result') return profileView(doc, options);
  if (doc.kind === 'sweep-result') return sweepView(doc);
  if (doc.kind === 'plan') return planView(doc);
  if (doc.kind === 'whatif') return whatifView(doc);
  throw new Error(`unknown document kind ${JSON.stringify(doc.kind)}`);
}

export function compareFor(docs) {
  return compareView(docs);
}
