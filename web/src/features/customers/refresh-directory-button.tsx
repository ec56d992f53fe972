import { Button } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconRefresh } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { errorMessage } from '../../api/api-error';
import { api } from '../../api/client';
import type { DirectoryRefresh, TargetKind } from '../../api/types';
import { formatCount } from '../../lib/format';
import { TARGET_LABEL } from '../programs/program-paths';

/**
 * Reads the PSA's companies and contracts anew. The server keeps them a few minutes per workspace
 * (BILLSYNC_DIRECTORY_TTL_SECONDS) so that searching and suggesting spend no PSA calls; a company or contract
 * created in the PSA a moment ago shows after this. Every list made from them is asked again.
 */
export function useRefreshDirectory(target: TargetKind) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => api<DirectoryRefresh>(`/api/psa/${target}/directory/refresh`, { method: 'POST' }),
    onSuccess: () => {
      for (const key of ['psa-companies', 'psa-contracts', 'customer-suggestions', 'customers']) {
        void queryClient.invalidateQueries({ queryKey: [key] });
      }
    },
  });
}

/** "Refresh from Autotask": for the mapping dialog and the suggestions, which read the PSA's directory. */
export function RefreshDirectoryButton({ target }: { target: TargetKind }) {
  const refresh = useRefreshDirectory(target);
  const label = TARGET_LABEL[target];
  return (
    <Button
      variant="subtle"
      size="compact-xs"
      leftSection={<IconRefresh size={14} aria-hidden />}
      loading={refresh.isPending}
      onClick={() =>
        refresh.mutate(undefined, {
          onSuccess: (r) =>
            notifications.show({
              color: 'green',
              title: `Read from ${label}`,
              message: `${formatCount(r.companies)} companies and ${formatCount(r.contracts)} contracts, as they are now.`,
            }),
          onError: (error) =>
            notifications.show({
              color: 'red',
              title: `Could not read from ${label}`,
              message: errorMessage(error),
            }),
        })
      }
    >
      {`Refresh from ${label}`}
    </Button>
  );
}
