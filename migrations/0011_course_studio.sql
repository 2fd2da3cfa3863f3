CREATE TYPE "public"."revision_status" AS ENUM('draft', 'review', 'approved');--> statement-breakpoint
ALTER TYPE "public"."behaviour_kind" ADD VALUE 'lesson_opened' BEFORE 'lesson_completed';--> statement-breakpoint
ALTER TYPE "public"."behaviour_kind" ADD VALUE 'course_rated' BEFORE 'digest_sent';--> statement-breakpoint
CREATE TABLE "chat_forms" (
	"platform" "platform" NOT NULL,
	"platform_user_id" text NOT NULL,
	"chat_id" text NOT NULL,
	"form" jsonb NOT NULL,
	"answers" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"step" integer DEFAULT 0 NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "chat_forms_person_chat_key" UNIQUE("platform","platform_user_id","chat_id")
);
--> statement-breakpoint
CREATE TABLE "course_ratings" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"community_id" uuid NOT NULL,
	"course_id" uuid NOT NULL,
	"member_id" uuid NOT NULL,
	"score" smallint NOT NULL,
	"review" text DEFAULT '' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "course_ratings_member_course_key" UNIQUE("course_id","member_id"),
	CONSTRAINT "course_ratings_score_range" CHECK ("course_ratings"."score" between 1 and 5),
	CONSTRAINT "course_ratings_review_length" CHECK (char_length("course_ratings"."review") <= 1000)
);
--> statement-breakpoint
CREATE TABLE "course_revisions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"community_id" uuid NOT NULL,
	"course_id" uuid NOT NULL,
	"number" integer NOT NULL,
	"status" "revision_status" DEFAULT 'draft' NOT NULL,
	"title" text NOT NULL,
	"summary" text DEFAULT '' NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"category" text NOT NULL,
	"tags" text[] DEFAULT '{}'::text[] NOT NULL,
	"level" "course_level" DEFAULT 'beginner' NOT NULL,
	"language" text DEFAULT 'en' NOT NULL,
	"cover_file_id" uuid,
	"version" integer DEFAULT 1 NOT NULL,
	"author_member_id" uuid,
	"submitted_at" timestamp with time zone,
	"reviewed_at" timestamp with time zone,
	"reviewer_member_id" uuid,
	"review_comment" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "course_revisions_course_number_key" UNIQUE("course_id","number"),
	CONSTRAINT "course_revisions_id_community_key" UNIQUE("id","community_id")
);
--> statement-breakpoint
CREATE TABLE "lesson_comments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"community_id" uuid NOT NULL,
	"course_id" uuid NOT NULL,
	"lesson_id" uuid NOT NULL,
	"member_id" uuid NOT NULL,
	"platform" "platform" NOT NULL,
	"body" text NOT NULL,
	"reply_to_id" uuid,
	"hidden_at" timestamp with time zone,
	"hidden_by_member_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "lesson_comments_body_length" CHECK (char_length("lesson_comments"."body") between 1 and 1000)
);
--> statement-breakpoint
CREATE TABLE "lesson_progress" (
	"community_id" uuid NOT NULL,
	"member_id" uuid NOT NULL,
	"course_id" uuid NOT NULL,
	"lesson_id" uuid NOT NULL,
	"completed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "lesson_progress_member_lesson_key" UNIQUE("member_id","lesson_id")
);
--> statement-breakpoint
CREATE TABLE "revision_lessons" (
	"revision_id" uuid NOT NULL,
	"lesson_id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"community_id" uuid NOT NULL,
	"position" integer NOT NULL,
	"title" text NOT NULL,
	"body" text DEFAULT '' NOT NULL,
	"drip_offset_days" integer DEFAULT 0 NOT NULL,
	"attachment_file_ids" uuid[] DEFAULT '{}'::uuid[] NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "revision_lessons_pk" UNIQUE("revision_id","lesson_id"),
	CONSTRAINT "revision_lessons_position_key" UNIQUE("revision_id","position"),
	CONSTRAINT "revision_lessons_position_positive" CHECK ("revision_lessons"."position" >= 1),
	CONSTRAINT "revision_lessons_drip_offset_range" CHECK ("revision_lessons"."drip_offset_days" between 0 and 3650)
);
--> statement-breakpoint
ALTER TABLE "courses" ADD COLUMN "cover_file_id" uuid;--> statement-breakpoint
ALTER TABLE "courses" ADD COLUMN "published_revision" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "enrollments" ADD COLUMN "last_lesson_id" uuid;--> statement-breakpoint
ALTER TABLE "enrollments" ADD COLUMN "last_opened_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "lessons" ADD COLUMN "attachment_file_ids" uuid[] DEFAULT '{}'::uuid[] NOT NULL;--> statement-breakpoint
ALTER TABLE "course_ratings" ADD CONSTRAINT "course_ratings_member_id_members_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."members"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "course_ratings" ADD CONSTRAINT "course_ratings_course_id_community_id_courses_id_community_id_fk" FOREIGN KEY ("course_id","community_id") REFERENCES "public"."courses"("id","community_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "course_revisions" ADD CONSTRAINT "course_revisions_author_member_id_members_id_fk" FOREIGN KEY ("author_member_id") REFERENCES "public"."members"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "course_revisions" ADD CONSTRAINT "course_revisions_reviewer_member_id_members_id_fk" FOREIGN KEY ("reviewer_member_id") REFERENCES "public"."members"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "course_revisions" ADD CONSTRAINT "course_revisions_course_id_community_id_courses_id_community_id_fk" FOREIGN KEY ("course_id","community_id") REFERENCES "public"."courses"("id","community_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lesson_comments" ADD CONSTRAINT "lesson_comments_member_id_members_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."members"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lesson_comments" ADD CONSTRAINT "lesson_comments_hidden_by_member_id_members_id_fk" FOREIGN KEY ("hidden_by_member_id") REFERENCES "public"."members"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lesson_comments" ADD CONSTRAINT "lesson_comments_lesson_id_community_id_lessons_id_community_id_fk" FOREIGN KEY ("lesson_id","community_id") REFERENCES "public"."lessons"("id","community_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lesson_comments" ADD CONSTRAINT "lesson_comments_reply_to_id_lesson_comments_id_fk" FOREIGN KEY ("reply_to_id") REFERENCES "public"."lesson_comments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lesson_progress" ADD CONSTRAINT "lesson_progress_member_id_members_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."members"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lesson_progress" ADD CONSTRAINT "lesson_progress_lesson_id_community_id_lessons_id_community_id_fk" FOREIGN KEY ("lesson_id","community_id") REFERENCES "public"."lessons"("id","community_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "revision_lessons" ADD CONSTRAINT "revision_lessons_revision_id_community_id_course_revisions_id_community_id_fk" FOREIGN KEY ("revision_id","community_id") REFERENCES "public"."course_revisions"("id","community_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "course_revisions_one_open_idx" ON "course_revisions" USING btree ("course_id") WHERE status in ('draft', 'review');--> statement-breakpoint
CREATE INDEX "course_revisions_queue_idx" ON "course_revisions" USING btree ("community_id","status","submitted_at");--> statement-breakpoint
CREATE INDEX "lesson_comments_lesson_idx" ON "lesson_comments" USING btree ("lesson_id","created_at");--> statement-breakpoint
CREATE INDEX "lesson_progress_course_idx" ON "lesson_progress" USING btree ("community_id","member_id","course_id");--> statement-breakpoint
UPDATE "courses" SET "published_revision" = 1 WHERE "published_at" IS NOT NULL;
