import { compareView } from './compareView.js';
import { findingsView } from './findingsView.js';
import { planView } from './planView.js';
import { profileView } from './profileView.js';
import { sweepView } from './sweepView.js';
import type { ProfileResult, ReportDocument, Sla } from './types.js';
import { verificationView } from './verificationView.js';
import { whatifView } from './whatifView.js';

/** The view model of any document, by its kind. */
export function viewFor(doc: ReportDocument, options: { sla?: Sla | null } = {}) {
  switch (doc.kind) {
    case 'profile-result':
      return profileView(doc, options);
    case 'sweep-result':
      return sweepView(doc);
    case 'plan':
      return planView(doc);
    case 'verification':
      return verificationView(doc);
    case 'whatif':
      return whatifView(doc);
    case 'findings':
      return findingsView(doc);
    default:
      return unknownKind(doc);
  }
}

function unknownKind(doc: never): never {
  throw new Error(`unknown document kind ${JSON.stringify((doc as { kind?: unknown }).kind)}`);
}

export type ViewModel = ReturnType<typeof viewFor>;

export function compareFor(docs: readonly ProfileResult[]) {
  return compareView(docs);
}
