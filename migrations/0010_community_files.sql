CREATE TABLE "community_files" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"community_id" uuid NOT NULL,
	"sha256" text NOT NULL,
	"size" bigint NOT NULL,
	"mime" text NOT NULL,
	"kind" text NOT NULL,
	"name" text NOT NULL,
	"uploaded_by_member_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "community_files_community_sha_key" UNIQUE("community_id","sha256"),
	CONSTRAINT "community_files_id_community_key" UNIQUE("id","community_id")
);
--> statement-breakpoint
CREATE TABLE "telegram_file_ids" (
	"bot_id" text NOT NULL,
	"sha256" text NOT NULL,
	"file_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "telegram_file_ids_bot_id_sha256_pk" PRIMARY KEY("bot_id","sha256")
);
--> statement-breakpoint
ALTER TABLE "community_files" ADD CONSTRAINT "community_files_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "community_files" ADD CONSTRAINT "community_files_uploaded_by_member_id_members_id_fk" FOREIGN KEY ("uploaded_by_member_id") REFERENCES "public"."members"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "community_files_sha_idx" ON "community_files" USING btree ("sha256");