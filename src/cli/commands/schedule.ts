import type { Command } from 'commander';
import type { ScheduleOptions } from '../actions/schedule';
import { WORKSPACE_OPTION } from '../options';

/** `billsync schedule`: the workspace's daily check (look for new invoices, then sync). */
export function registerSchedule(program: Command): void {
  program
    .command('schedule')
    .description(
      "show or change the workspace's daily check (new invoices -> product sync -> customer syncs)",
    )
    .option('--hour <0-23>', 'local hour of the daily check')
    .option('--time-zone <zone>', 'IANA time zone the hour is in, e.g. Europe/Berlin')
    .option('--enabled <on|off>', 'switch the daily check on or off')
    .option(...WORKSPACE_OPTION)
    .action(async (opts: ScheduleOptions, cmd: Command) =>
      (await import('../actions/schedule')).schedule(opts, cmd),
    );
}
