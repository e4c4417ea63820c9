import { defineContributions } from '@millrace/plugin-api';

export default async function contribute() {
  return defineContributions({ apiVersion: 1 });
}
