/* commands.h — the subcommands of `medallion`, one cmd_*.c each. Each takes the
 * arguments from its own name on (argv[0] = "cat") and returns the exit status. */
#ifndef MEDALLION_CLI_COMMANDS_H
#define MEDALLION_CLI_COMMANDS_H

int cmd_cat(int argc, char **argv);
int cmd_cp(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_diff(int argc, char **argv);         /* cmd_diff.c */
int cmd_generate(int argc, char **argv);     /* cmd_generate.c */
int cmd_run(int argc, char **argv);          /* cmd_run.c */
int cmd_runs(int argc, char **argv);         /* cmd_runs.c */
int cmd_assets(int argc, char **argv);       /* cmd_assets.c */
int cmd_lineage(int argc, char **argv);      /* cmd_lineage.c */
int cmd_delta_cat(int argc, char **argv);     /* cmd_delta_cat.c */
int cmd_delta_history(int argc, char **argv); /* cmd_delta_history.c */
int cmd_delta_write(int argc, char **argv);   /* cmd_delta_write.c */
int cmd_delta_vacuum(int argc, char **argv);  /* cmd_delta_vacuum.c */
int cmd_lineage(int argc, char **argv);       /* cmd_lineage.c */
int cmd_ui(int argc, char **argv);            /* cmd_ui.c */

/* glibc malloc settings for commands that process tables (alloc_tuning.c);
 * call before any thread starts. */
void cli_tune_allocator_for_batch_work(void);

#endif
