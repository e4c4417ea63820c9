/**
 * The workspace's atomic writes are the plugin API's (temp file + rename, see `writeFileAtomic`): one implementation
 * for the host's state files and the runners' artifacts.
 */
export { writeFileAtomic as writeTextAtomic, writeJsonAtomic as writeJsonFileAtomic } from '@millrace/plugin-api';
