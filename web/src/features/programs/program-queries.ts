import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client';
import type { Program, ProgramOptions, ProgramPatch, ProgramSaved, TargetKind } from '../../api/types';

export const programKey = (target: TargetKind) => ['program', target] as const;

export function useProgram(target: TargetKind) {
  return useQuery({ queryKey: programKey(target), queryFn: () => api<Program>(`/api/programs/${target}`) });
}

/**
 * The billing code, charge code and vendor choices, read live from the PSA (502 with the reason when it does not
 * answer).
 */
export function useProgramOptions(target: TargetKind, enabled = true) {
  return useQuery({
    queryKey: ['program-options', target],
    queryFn: () => api<ProgramOptions>(`/api/programs/${target}/options`),
    enabled,
    staleTime: 5 * 60_000,
  });
}

export function useSaveProgram(target: TargetKind) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (patch: ProgramPatch) =>
      api<ProgramSaved>(`/api/programs/${target}`, { method: 'PUT', body: patch }),
    onSuccess: (program) => {
      queryClient.setQueryData(programKey(target), {
        target: program.target,
        configured: program.configured,
        settings: program.settings,
      });
      // Saving the program can turn the connection card from amber to green.
      void queryClient.invalidateQueries({ queryKey: ['connections'] });
      void queryClient.invalidateQueries({ queryKey: ['overview'] });
    },
  });
}
