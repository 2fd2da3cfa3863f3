ALTER TABLE "announcements" ADD COLUMN "file" jsonb;--> statement-breakpoint
ALTER TABLE "announcements" ADD COLUMN "paid_broadcast" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "announcements" ADD COLUMN "paused_reason" text;--> statement-breakpoint
ALTER TABLE "announcements" ADD COLUMN "progress" jsonb;--> statement-breakpoint
ALTER TABLE "announcements" ADD COLUMN "progress_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "deliveries" ADD COLUMN "claim_token" text;