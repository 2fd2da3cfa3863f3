-- The recommender's output per community: each member's ranked picks with their reason, similar courses, what members were shown, and each training run.
CREATE TABLE "recommendation_impressions" (
	"community_id" uuid NOT NULL,
	"member_id" uuid NOT NULL,
	"course_id" uuid NOT NULL,
	"shown" integer DEFAULT 0 NOT NULL,
	"last_shown_at" timestamp with time zone DEFAULT now() NOT NULL,
	"clicked_at" timestamp with time zone,
	CONSTRAINT "recommendation_impressions_community_id_member_id_course_id_pk" PRIMARY KEY("community_id","member_id","course_id")
);
--> statement-breakpoint
CREATE TABLE "recommendations" (
	"community_id" uuid NOT NULL,
	"member_id" uuid NOT NULL,
	"course_id" uuid NOT NULL,
	"rank" integer NOT NULL,
	"reason" text NOT NULL,
	"reason_course_id" uuid,
	CONSTRAINT "recommendations_community_id_member_id_course_id_pk" PRIMARY KEY("community_id","member_id","course_id")
);
--> statement-breakpoint
CREATE TABLE "recommender_runs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"community_id" uuid NOT NULL,
	"members" integer NOT NULL,
	"courses" integer NOT NULL,
	"interactions" integer NOT NULL,
	"params" jsonb NOT NULL,
	"validation_recall" double precision,
	"duration_ms" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "similar_courses" (
	"community_id" uuid NOT NULL,
	"course_id" uuid NOT NULL,
	"similar_course_id" uuid NOT NULL,
	"rank" integer NOT NULL,
	"score" double precision NOT NULL,
	CONSTRAINT "similar_courses_course_id_similar_course_id_pk" PRIMARY KEY("course_id","similar_course_id")
);
--> statement-breakpoint
ALTER TABLE "recommendation_impressions" ADD CONSTRAINT "recommendation_impressions_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "recommendation_impressions" ADD CONSTRAINT "recommendation_impressions_member_id_members_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."members"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "recommendations" ADD CONSTRAINT "recommendations_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "recommendations" ADD CONSTRAINT "recommendations_member_id_members_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."members"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "recommendations" ADD CONSTRAINT "recommendations_course_id_community_id_courses_id_community_id_fk" FOREIGN KEY ("course_id","community_id") REFERENCES "public"."courses"("id","community_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "recommender_runs" ADD CONSTRAINT "recommender_runs_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "similar_courses" ADD CONSTRAINT "similar_courses_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "similar_courses" ADD CONSTRAINT "similar_courses_course_id_community_id_courses_id_community_id_fk" FOREIGN KEY ("course_id","community_id") REFERENCES "public"."courses"("id","community_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "similar_courses" ADD CONSTRAINT "similar_courses_similar_course_id_community_id_courses_id_community_id_fk" FOREIGN KEY ("similar_course_id","community_id") REFERENCES "public"."courses"("id","community_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "recommendations_member_rank_idx" ON "recommendations" USING btree ("community_id","member_id","rank");--> statement-breakpoint
CREATE INDEX "recommender_runs_community_idx" ON "recommender_runs" USING btree ("community_id","created_at");--> statement-breakpoint
CREATE INDEX "similar_courses_rank_idx" ON "similar_courses" USING btree ("course_id","rank");