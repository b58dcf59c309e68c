import { Site } from 'xos';

export const nothing = typeof Site;
