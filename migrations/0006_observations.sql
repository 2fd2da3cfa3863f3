CREATE TYPE "public"."access_end_action" AS ENUM('remove', 'kick', 'keep');--> statement-breakpoint
CREATE TABLE "platform_observations" (
	"community_id" uuid NOT NULL,
	"space_id" uuid NOT NULL,
	"platform_user_id" text NOT NULL,
	"present" boolean NOT NULL,
	"roles" text[] DEFAULT '{}'::text[] NOT NULL,
	"status" text,
	"observed_at" timestamp with time zone NOT NULL,
	CONSTRAINT "platform_observations_space_id_platform_user_id_pk" PRIMARY KEY("space_id","platform_user_id")
);
--> statement-breakpoint
ALTER TABLE "platform_spaces" ADD COLUMN "members_listed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "products" ADD COLUMN "end_action" "access_end_action" DEFAULT 'remove' NOT NULL;--> statement-breakpoint
ALTER TABLE "platform_observations" ADD CONSTRAINT "platform_observations_space_id_community_id_platform_spaces_id_community_id_fk" FOREIGN KEY ("space_id","community_id") REFERENCES "public"."platform_spaces"("id","community_id") ON DELETE cascade ON UPDATE no action;