CREATE TABLE `devices` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`name` text NOT NULL,
	`counter_id` text,
	`bridge_id` text,
	`secret_hash` text NOT NULL,
	`created_at` integer NOT NULL,
	`revoked_at` integer,
	`last_seen_at` integer,
	CONSTRAINT "devices_kind" CHECK(kind IN ('kiosk', 'hall-display', 'counter-display', 'operator-terminal', 'printer', 'card-reader', 'button-panel', 'firmware-bridge'))
);
--> statement-breakpoint
CREATE TABLE `pairing_codes` (
	`code_hash` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`name` text,
	`counter_id` text,
	`bridge_id` text,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`used_at` integer,
	`device_id` text
);
--> statement-breakpoint
CREATE INDEX `pairing_codes_expires_at` ON `pairing_codes` (`expires_at`);