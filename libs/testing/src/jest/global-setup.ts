import { startInfraContainersIfDockerAnswers } from '../infra/containers';
import { assertInfraReachable } from '../infra/reachability';

/**
 * Runs once before all suites. With a Docker engine (and TEST_INFRA != local) the infrastructure
 * comes from testcontainers and its URLs go into process.env, which every worker inherits;
 * otherwise the suites use the env URLs (localhost by default) that `npm test` made sure answer.
 */
export default async function globalSetup(): Promise<void> {
  await startInfraContainersIfDockerAnswers();
  await assertInfraReachable();
}
