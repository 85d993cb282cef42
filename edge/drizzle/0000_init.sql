CREATE TABLE `branch` (
	`id` integer PRIMARY KEY NOT NULL,
	`branch_id` text NOT NULL,
	`name` text NOT NULL,
	`address` text NOT NULL,
	`time_zone` text NOT NULL,
	`opening_hours` text NOT NULL,
	CONSTRAINT "branch_single_row" CHECK(id = 1)
);
--> statement-breakpoint
CREATE TABLE `command_log` (
	`idempotency_key` text PRIMARY KEY NOT NULL,
	`fingerprint` text NOT NULL,
	`command_type` text NOT NULL,
	`first_seq` integer,
	`last_seq` integer,
	`actor` text NOT NULL,
	`at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `counters` (
	`id` text PRIMARY KEY NOT NULL,
	`label` text NOT NULL,
	`name` text NOT NULL,
	`active` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `daily_counters` (
	`day` text NOT NULL,
	`service_id` text NOT NULL,
	`last_sequence` integer NOT NULL,
	PRIMARY KEY(`day`, `service_id`)
);
--> statement-breakpoint
CREATE TABLE `events` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`id` text NOT NULL,
	`type` text NOT NULL,
	`version` integer NOT NULL,
	`hlc` text NOT NULL,
	`at` integer NOT NULL,
	`idempotency_key` text NOT NULL,
	`payload` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `events_id_unique` ON `events` (`id`);--> statement-breakpoint
CREATE INDEX `events_idempotency_key` ON `events` (`idempotency_key`);--> statement-breakpoint
CREATE TABLE `operators` (
	`id` text PRIMARY KEY NOT NULL,
	`display_name` text NOT NULL,
	`skills` text NOT NULL,
	`active` integer NOT NULL,
	`status` text NOT NULL,
	`counter_id` text,
	`pause_reason` text,
	`since` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `priority_policy` (
	`id` integer PRIMARY KEY NOT NULL,
	`policy` text NOT NULL,
	CONSTRAINT "priority_policy_single_row" CHECK(id = 1)
);
--> statement-breakpoint
CREATE TABLE `services` (
	`id` text PRIMARY KEY NOT NULL,
	`prefix` text NOT NULL,
	`name` text NOT NULL,
	`category` text NOT NULL,
	`opening_hours` text,
	`daily_cap` integer,
	`expected_service_seconds` integer NOT NULL,
	`service_time_cv` real NOT NULL,
	`active` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `sessions` (
	`token_hash` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`last_seen_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `sessions_user_id` ON `sessions` (`user_id`);--> statement-breakpoint
CREATE INDEX `sessions_expires_at` ON `sessions` (`expires_at`);--> statement-breakpoint
CREATE TABLE `state_snapshots` (
	`seq` integer PRIMARY KEY NOT NULL,
	`taken_at` integer NOT NULL,
	`state` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `sync_outbox` (
	`local_seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`change_id` text NOT NULL,
	`class` text NOT NULL,
	`entity` text NOT NULL,
	`entity_id` text NOT NULL,
	`op` text NOT NULL,
	`data` text NOT NULL,
	`hlc_ms` integer NOT NULL,
	`hlc_c` integer NOT NULL,
	`hlc_node` text NOT NULL,
	`base_cursor` text,
	`schema_version` integer NOT NULL,
	`created_at` integer NOT NULL,
	`acked_at` integer,
	CONSTRAINT "sync_outbox_class" CHECK(class IN ('A', 'B', 'D'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `sync_outbox_change_id_unique` ON `sync_outbox` (`change_id`);--> statement-breakpoint
CREATE INDEX `sync_outbox_unacked` ON `sync_outbox` (`local_seq`) WHERE acked_at IS NULL;--> statement-breakpoint
CREATE TABLE `sync_state` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `tickets` (
	`id` text PRIMARY KEY NOT NULL,
	`day` text NOT NULL,
	`service_id` text NOT NULL,
	`number` text NOT NULL,
	`sequence` integer NOT NULL,
	`priority_class` text NOT NULL,
	`language` text NOT NULL,
	`channel` text NOT NULL,
	`phone_masked` text,
	`status` text NOT NULL,
	`issued_at` integer NOT NULL,
	`queued_at` integer NOT NULL,
	`follow_up_service_ids` text NOT NULL,
	`assigned_operator_id` text,
	`counter_id` text,
	`operator_id` text,
	`called_at` integer,
	`last_called_at` integer,
	`recall_count` integer NOT NULL,
	`started_at` integer,
	`finished_at` integer,
	`outcome` text,
	`call_reason` text,
	`steps_done` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `tickets_day_number` ON `tickets` (`day`,`number`);--> statement-breakpoint
CREATE TABLE `users` (
	`id` text PRIMARY KEY NOT NULL,
	`login` text NOT NULL,
	`display_name` text NOT NULL,
	`role` text NOT NULL,
	`secret_hash` text NOT NULL,
	`operator_id` text,
	`active` integer NOT NULL,
	`created_at` integer NOT NULL,
	CONSTRAINT "users_role" CHECK(role IN ('operator', 'manager', 'admin'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `users_login_unique` ON `users` (`login`);