ALTER TYPE "public"."delivery_kind" ADD VALUE 'reminder';--> statement-breakpoint
CREATE TABLE "live_sessions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"community_id" uuid NOT NULL,
	"title" text NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"course_id" uuid,
	"link" text,
	"voice_channel" text,
	"status" text DEFAULT 'scheduled' NOT NULL,
	"discord_events" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"reminded_before_at" timestamp with time zone,
	"reminded_start_at" timestamp with time zone,
	"created_by_member_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "live_sessions_status" CHECK ("live_sessions"."status" in ('scheduled', 'canceled'))
);
--> statement-breakpoint
ALTER TABLE "live_sessions" ADD CONSTRAINT "live_sessions_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "live_sessions" ADD CONSTRAINT "live_sessions_created_by_member_id_members_id_fk" FOREIGN KEY ("created_by_member_id") REFERENCES "public"."members"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "live_sessions" ADD CONSTRAINT "live_sessions_course_id_community_id_courses_id_community_id_fk" FOREIGN KEY ("course_id","community_id") REFERENCES "public"."courses"("id","community_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "live_sessions_due_idx" ON "live_sessions" USING btree ("starts_at") WHERE "live_sessions"."status" = 'scheduled';