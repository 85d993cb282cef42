CREATE TABLE `print_jobs` (
	`id` text PRIMARY KEY NOT NULL,
	`ticket_id` text NOT NULL,
	`printer_id` text NOT NULL,
	`kiosk_id` text NOT NULL,
	`state` text NOT NULL,
	`error_code` text,
	`attempts` integer NOT NULL,
	`args` text NOT NULL,
	`created_at` integer NOT NULL,
	`sent_at` integer,
	`sent_bd_seq` integer,
	`settled_at` integer,
	`expires_at` integer NOT NULL,
	CONSTRAINT "print_jobs_state" CHECK(state IN ('queued', 'sent', 'printed', 'failed', 'expired'))
);
--> statement-breakpoint
CREATE INDEX `print_jobs_open` ON `print_jobs` (`printer_id`) WHERE state IN ('queued', 'sent');--> statement-breakpoint
CREATE TABLE `ticket_cards` (
	`ticket_id` text PRIMARY KEY NOT NULL,
	`masked` text NOT NULL,
	`token` text NOT NULL,
	`token_key_id` text NOT NULL,
	`kiosk_id` text NOT NULL,
	`reader_id` text NOT NULL,
	`at` integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE `devices` ADD `attached_to` text;--> statement-breakpoint
ALTER TABLE `pairing_codes` ADD `attached_to` text;