// The finder's data providers in their default waterfall order: cheap, high-precision
// email finders first, broad databases and asynchronous waterfalls (slower, dearer) later.

import type { FinderAdapter } from '../types';
import { anymailfinder } from './anymailfinder';
import { apollo } from './apollo';
import { bettercontact } from './bettercontact';
import { contactout } from './contactout';
import { dropcontact } from './dropcontact';
import { findymail } from './findymail';
import { fullenrich } from './fullenrich';
import { hunter } from './hunter';
import { icypeas } from './icypeas';
import { kaspr } from './kaspr';
import { leadmagic } from './leadmagic';
import { lusha } from './lusha';
import { peopledatalabs } from './peopledatalabs';
import { prospeo } from './prospeo';
import { rocketreach } from './rocketreach';
import { skrapp } from './skrapp';
import { tomba } from './tomba';
import { voilanorbert } from './voilanorbert';

export const FINDER_ADAPTERS: FinderAdapter[] = [
  hunter,
  findymail,
  prospeo,
  leadmagic,
  anymailfinder,
  icypeas,
  tomba,
  skrapp,
  voilanorbert,
  apollo,
  peopledatalabs,
  lusha,
  rocketreach,
  contactout,
  kaspr,
  dropcontact,
  fullenrich,
  bettercontact,
];
