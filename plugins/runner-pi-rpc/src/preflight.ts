import { configuredExecutablePreflight } from '@millrace/plugin-api/executable';

/**
 * Runner pi_rpc's preflight, in a module that loads neither zod nor the plugin API's entry point: the host imports only
 * this module for `compile validate` (the contribution's `preflightModule`).
 */
export default configuredExecutablePreflight('pi_rpc', 'runners.pi.command');

/** This module's URL, for the contribution's `preflightModule`. */
export const PREFLIGHT_MODULE = import.meta.url;
