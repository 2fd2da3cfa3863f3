CREATE TABLE "drip_releases" (
	"community_id" uuid NOT NULL,
	"member_id" uuid NOT NULL,
	"course_id" uuid NOT NULL,
	"lesson_id" uuid NOT NULL,
	"release_at" timestamp with time zone NOT NULL,
	"released_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "drip_releases_member_id_lesson_id_pk" PRIMARY KEY("member_id","lesson_id")
);
--> statement-breakpoint
ALTER TABLE "drip_releases" ADD CONSTRAINT "drip_releases_member_id_members_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."members"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "drip_releases" ADD CONSTRAINT "drip_releases_lesson_id_community_id_lessons_id_community_id_fk" FOREIGN KEY ("lesson_id","community_id") REFERENCES "public"."lessons"("id","community_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "drip_releases_due_idx" ON "drip_releases" USING btree ("release_at") WHERE "drip_releases"."released_at" is null;