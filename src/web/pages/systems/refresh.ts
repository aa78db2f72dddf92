import { queryClient } from '../../api/client.ts';

/** The programme's read paths: a change to a system, a dossier, a plan, a layer or a target may move any of them. */
const PROGRAMME = /^\/api\/(systems|dossiers|targets|layers)(\/|$)/;

/**
 * Marks every programme figure stale (the registry, a system, its dossiers, plan and layers, the targets): those on
 * screen are read again, the others when next shown. Instead of a chain of reloads handed down the pages.
 */
export const refreshProgramme = () =>
  queryClient.invalidateQueries({
    predicate: (q) => q.queryKey[0] === 'get' && typeof q.queryKey[1] === 'string' && PROGRAMME.test(q.queryKey[1]),
  });
