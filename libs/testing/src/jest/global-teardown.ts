import { stopInfraContainers } from '../infra/containers';

export default async function globalTeardown(): Promise<void> {
  await stopInfraContainers();
}
